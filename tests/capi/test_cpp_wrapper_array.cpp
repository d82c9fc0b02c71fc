// The C++ wrapper's arrays and inference (inlay.hpp: inlay::array, layer calls, model::predict / prepare /
// threads / precision) through libinlay.so, checked against values computed here.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "inlay/inlay.hpp"

namespace {

// Input(4) -> Dense(3, softmax) with kernel[i][j] = 0.1 * (i - j), bias[j] = 0.05 * j.
inlay::model small_softmax_model() {
  inlay::graph g;
  const inlay::tensor x = g.input(R"({"shape":[4],"name":"x"})");
  const inlay::tensor y = g.create_layer("Dense", R"({"units":3,"activation":"softmax"})")(x);
  inlay::model m = inlay::model::functional(g, {x}, {y}, "small");
  std::vector<float> kernel(12), bias(3);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 3; ++j) kernel[static_cast<size_t>(i * 3 + j)] = 0.1f * static_cast<float>(i - j);
  }
  for (int j = 0; j < 3; ++j) bias[static_cast<size_t>(j)] = 0.05f * static_cast<float>(j);
  EXPECT_EQ(m.weight_count(), 2u);
  EXPECT_EQ(m.weight(0).name, "dense/kernel");
  EXPECT_EQ(m.weight(0).shape, (std::vector<int64_t>{4, 3}));
  m.set_weight(0, kernel);
  m.set_weight(1, bias);
  EXPECT_EQ(m.get_weight(0), kernel);
  return m;
}

std::vector<double> expected_softmax(const float* x) {
  std::vector<double> logits(3);
  double sum = 0;
  for (int j = 0; j < 3; ++j) {
    double z = 0.05 * j;
    for (int i = 0; i < 4; ++i) z += static_cast<double>(x[i]) * static_cast<double>(0.1f * static_cast<float>(i - j));
    logits[static_cast<size_t>(j)] = std::exp(z);
    sum += logits[static_cast<size_t>(j)];
  }
  for (double& v : logits) v /= sum;
  return logits;
}

TEST(CppWrapperArray, CreateAndAccessors) {
  inlay::array a = inlay::array::create(INLAY_FLOAT32, {2, 3});
  EXPECT_TRUE(a);
  EXPECT_EQ(a.kind(), INLAY_ARRAY_DENSE);
  EXPECT_EQ(a.dtype(), INLAY_FLOAT32);
  EXPECT_EQ(a.rank(), 2);
  EXPECT_EQ(a.dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.element_count(), 6u);
  EXPECT_EQ(a.byte_size(), 24u);
  EXPECT_EQ(a.data<float>()[5], 0.0f);  // zero-filled
  EXPECT_TRUE(a.row_splits().empty());
  EXPECT_TRUE(a.sparse_indices().empty());
  // Typed access checks the element type.
  EXPECT_THROW(a.data<int32_t>(), inlay::error);
  EXPECT_THROW(a.data<double>(), inlay::error);
  EXPECT_THROW(a.data<std::complex<float>>(), inlay::error);  // 8-byte elements over 4-byte ones
  try {
    a.data<int32_t>();
  } catch (const inlay::error& e) {
    EXPECT_EQ(e.status(), INLAY_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("float32"), std::string::npos) << e.what();
  }
  inlay::array h = inlay::array::create(INLAY_FLOAT16, {3});
  EXPECT_NO_THROW(h.data<uint16_t>());  // the bits of float16
  EXPECT_THROW(h.data<int16_t>(), inlay::error);
  inlay::array c = inlay::array::create(INLAY_COMPLEX64, {3});
  EXPECT_NO_THROW(c.data<std::complex<float>>());
  inlay::array b = inlay::array::create(INLAY_BOOL, {});
  EXPECT_EQ(b.rank(), 0);
  EXPECT_TRUE(b.dims().empty());
  EXPECT_EQ(b.element_count(), 1u);
  EXPECT_NO_THROW(b.data<bool>());
  // Copies share the array.
  inlay::array copy = a;
  copy.data<float>()[0] = 7.0f;
  EXPECT_EQ(a.data<float>()[0], 7.0f);
  EXPECT_EQ(copy.get(), a.get());
  // An empty array has no handle.
  inlay::array empty;
  EXPECT_FALSE(empty);
  EXPECT_THROW(empty.data<float>(), inlay::error);
  // Bad dims are the library's errors.
  EXPECT_THROW(inlay::array::create(INLAY_FLOAT32, {-1}), inlay::error);
}

TEST(CppWrapperArray, WrapSparseRagged) {
  std::vector<float> buffer{1, 2, 3, 4, 5, 6};
  inlay::array w = inlay::array::wrap(INLAY_FLOAT32, {3, 2}, buffer.data());
  EXPECT_EQ(w.data<float>(), buffer.data());
  EXPECT_EQ(w.dims(), (std::vector<int64_t>{3, 2}));

  const std::vector<int64_t> indices{0, 1, 2, 0};
  const std::vector<float> values{10, 20};
  inlay::array s = inlay::array::wrap_sparse(INLAY_FLOAT32, {3, 4}, indices.data(), values.data(), 2);
  EXPECT_EQ(s.kind(), INLAY_ARRAY_SPARSE);
  EXPECT_EQ(s.dims(), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(s.element_count(), 2u);
  EXPECT_EQ(s.sparse_indices(), indices);
  const std::vector<int64_t> bad{0, 9};
  EXPECT_THROW(inlay::array::wrap_sparse(INLAY_FLOAT32, {3, 4}, bad.data(), values.data(), 1), inlay::error);

  const std::vector<int64_t> splits{0, 1, 3};
  inlay::array r = inlay::array::wrap_ragged(INLAY_FLOAT32, buffer.data(), {3, 2}, splits);
  EXPECT_EQ(r.kind(), INLAY_ARRAY_RAGGED);
  EXPECT_EQ(r.dims(), (std::vector<int64_t>{2, INLAY_DIM_NONE, 2}));
  EXPECT_EQ(r.row_splits(), splits);
  EXPECT_EQ(r.flat_dims(), (std::vector<int64_t>{3, 2}));
  const std::vector<int64_t> wrong{0, 2};
  EXPECT_THROW(inlay::array::wrap_ragged(INLAY_FLOAT32, buffer.data(), {3, 2}, wrong), inlay::error);
}

TEST(CppWrapperArray, NpyRoundTripAndErrors) {
  char dir_template[] = "/tmp/inlay_wrapper_npy_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string path = std::string(dir_template) + "/a.npy";
  inlay::array a = inlay::array::create(INLAY_INT16, {2, 2});
  for (int i = 0; i < 4; ++i) a.data<int16_t>()[i] = static_cast<int16_t>(i * 1000 - 1500);
  a.save_npy(path);
  inlay::array back = inlay::array::load_npy(path);
  EXPECT_EQ(back.dtype(), INLAY_INT16);
  EXPECT_EQ(back.dims(), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(back.data<int16_t>()[3], 1500);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("not numpy", f);
  std::fclose(f);
  try {
    inlay::array::load_npy(path);
    ADD_FAILURE();
  } catch (const inlay::error& e) {
    EXPECT_EQ(e.status(), INLAY_PARSE_ERROR);
    EXPECT_NE(std::string(e.what()).find("bad magic"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
  try {
    inlay::array::load_npy(path);
    ADD_FAILURE();
  } catch (const inlay::error& e) {
    EXPECT_EQ(e.status(), INLAY_IO_ERROR);
  }
  std::remove(dir_template);
}

TEST(CppWrapperArray, PredictAllocatesOrWritesInPlace) {
  inlay::model m = small_softmax_model();
  EXPECT_EQ(m.input_count(), 1u);
  EXPECT_EQ(m.output_count(), 1u);
  EXPECT_EQ(m.input(0).shape(), (std::vector<int64_t>{INLAY_DIM_NONE, 4}));
  EXPECT_EQ(m.outputs().size(), 1u);
  EXPECT_THROW(m.input(1), inlay::error);

  std::vector<float> xs{0.5f, -1.0f, 2.0f, 0.25f, 1.0f, 1.0f, -0.5f, 3.0f};
  inlay::array x = inlay::array::wrap(INLAY_FLOAT32, {2, 4}, xs.data());
  m.prepare({&x});
  std::vector<inlay::array> y = m.predict({&x});
  ASSERT_EQ(y.size(), 1u);
  EXPECT_EQ(y[0].dims(), (std::vector<int64_t>{2, 3}));
  for (int s = 0; s < 2; ++s) {
    const std::vector<double> want = expected_softmax(xs.data() + 4 * s);
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(y[0].data<float>()[s * 3 + j], want[static_cast<size_t>(j)], 1e-6);
  }

  // In place into an existing array, and into an empty one (the library allocates it).
  inlay::array out = inlay::array::create(INLAY_FLOAT32, {2, 3});
  float* const before = out.data<float>();
  std::vector<inlay::array*> outs{&out};
  m.predict({&x}, outs);
  EXPECT_EQ(out.data<float>(), before);
  EXPECT_FLOAT_EQ(out.data<float>()[4], y[0].data<float>()[4]);
  inlay::array fresh;
  std::vector<inlay::array*> fresh_outs{&fresh};
  m.predict({&x}, fresh_outs);
  ASSERT_TRUE(fresh);
  EXPECT_FLOAT_EQ(fresh.data<float>()[5], y[0].data<float>()[5]);

  // Errors: Keras's shape message, null pointers, a wrong in-place output.
  inlay::array wrong = inlay::array::create(INLAY_FLOAT32, {2, 5});
  try {
    m.predict({&wrong});
    ADD_FAILURE();
  } catch (const inlay::error& e) {
    EXPECT_EQ(e.status(), INLAY_SHAPE_MISMATCH);
    EXPECT_NE(std::string(e.what()).find("expected shape=(None, 4), found shape=(2, 5)"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(m.predict({nullptr}), inlay::error);
  std::vector<inlay::array*> null_out{nullptr};
  EXPECT_THROW(m.predict({&x}, null_out), inlay::error);
  inlay::array bad_out = inlay::array::create(INLAY_FLOAT32, {2, 4});
  std::vector<inlay::array*> bad_outs{&bad_out};
  EXPECT_THROW(m.predict({&x}, bad_outs), inlay::error);
  EXPECT_THROW(m.predict({}), inlay::error);

  // Threads and precision.
  m.set_num_threads(1);
  EXPECT_EQ(m.num_threads(), 1);
  EXPECT_THROW(m.set_num_threads(-1), inlay::error);
  m.set_precision(INLAY_PRECISION_FLOAT32);
  EXPECT_NEAR(m.predict({&x})[0].data<float>()[0], y[0].data<float>()[0], 1e-7);
}

TEST(CppWrapperArray, LayerCallsAndSequential) {
  inlay::graph g;
  const inlay::tensor x = g.input(R"({"shape":[8]})");
  const inlay::layer dense = g.create_layer("Dense", R"({"units":2})");
  const inlay::tensor y = dense(x);
  EXPECT_EQ(y.shape(), (std::vector<int64_t>{INLAY_DIM_NONE, 2}));
  EXPECT_EQ(dense.call({x}).size(), 1u);  // a second call: a shared layer
  const inlay::tensor a = g.input(R"({"shape":[2]})");
  const inlay::tensor sum = g.create_layer("Add", "{}")({y, a});
  EXPECT_EQ(sum.shape(), (std::vector<int64_t>{INLAY_DIM_NONE, 2}));
  EXPECT_THROW(g.create_layer("Dense", R"({"units":2})")(g.input(R"({"shape":[]})")), inlay::error);

  inlay::graph g2;
  const inlay::tensor in = g2.input(R"({"shape":[3]})");
  inlay::model seq = inlay::model::sequential(g2, {in.layer(), g2.create_layer("Dense", R"({"units":1})")}, "s");
  EXPECT_EQ(seq.name(), "s");
  EXPECT_EQ(seq.output(0).shape(), (std::vector<int64_t>{INLAY_DIM_NONE, 1}));
}

}  // namespace

// Array argument errors name the function once and the offending value as given.
TEST(CppWrapperArray, ArgumentErrorsNameTheFunctionOnce) {
  inlay_array* a = nullptr;
  const int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  ASSERT_EQ(inlay_array_create(INLAY_FLOAT32, nine, 9, &a), INLAY_INVALID_ARGUMENT);
  EXPECT_STREQ(inlay_last_error(), "inlay_array_create: dims rank 9 is outside 0..8");
  ASSERT_EQ(inlay_array_create(static_cast<inlay_dtype>(99), nine, 1, &a), INLAY_INVALID_ARGUMENT);
  EXPECT_STREQ(inlay_last_error(), "inlay_array_create: invalid dtype value 99");
  const int64_t negative[2] = {3, -2};
  float data[6] = {};
  ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, negative, 2, data, &a), INLAY_INVALID_ARGUMENT);
  EXPECT_STREQ(inlay_last_error(), "inlay_array_wrap: array shape (3, -2): dimension 1 is negative");
  ASSERT_EQ(inlay_array_wrap(INLAY_FLOAT32, negative, 2, nullptr, &a), INLAY_INVALID_ARGUMENT);
  EXPECT_EQ(a, nullptr);
}
