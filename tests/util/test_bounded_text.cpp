// The core's bounds on text from files: messages capped once for every error (bounded_message), values
// quoted by bounded prefixes (repr_prefix, str_prefix, quote_prefix, dump_prefix), JSON scanned before it is
// parsed (scan_json) and parsed without nlohmann's quadratic key search (parse_json_text, checked against
// nlohmann's own Json::parse), and Keras's to_snake_case without regular expressions (against Keras's output).
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>

#include "util/error.hpp"
#include "util/json.hpp"
#include "util/naming.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

bool is_valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST(BoundedMessage, ShortMessagesAreKeptAsTheyAre) {
  EXPECT_EQ(bounded_message(""), "");
  EXPECT_EQ(bounded_message("Negative dimensions are not allowed."), "Negative dimensions are not allowed.");
  const std::string at_cap(kMaxMessageBytes, 'x');
  EXPECT_EQ(bounded_message(at_cap), at_cap);
}

TEST(BoundedMessage, LongMessagesKeepTheirStartAndEnd) {
  std::string text;
  for (int i = 0; text.size() < 10000000; ++i) text += std::to_string(i) + " ";
  const std::string out = bounded_message(text);
  EXPECT_LE(out.size(), kMaxMessageBytes);
  EXPECT_EQ(out.substr(0, kMessageHead), text.substr(0, kMessageHead));
  EXPECT_EQ(out.substr(out.size() - kMessageTail), text.substr(text.size() - kMessageTail));
  const std::string left_out = std::to_string(text.size() - kMessageHead - kMessageTail);
  EXPECT_EQ(out.substr(kMessageHead, out.size() - kMessageHead - kMessageTail),
            " \u2026 [" + left_out + " bytes left out] \u2026 ");
  // core::Error caps what it carries.
  const Error error(Status::InvalidArgument, text);
  EXPECT_EQ(std::string(error.what()), out);
}

TEST(BoundedMessage, CutsFallBetweenUtf8Sequences) {
  for (const std::string unit : {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "a\xe2\x82\xac"}) {
    std::string text;
    while (text.size() < 20000) text += unit;
    const std::string out = bounded_message(text);
    EXPECT_LE(out.size(), kMaxMessageBytes);
    EXPECT_TRUE(is_valid_utf8(out)) << unit;
  }
}

TEST(BoundedMessage, NulIsEscapedNotAnEnd) {
  EXPECT_EQ(bounded_message(std::string("name 'a\0b'", 10)), "name 'a\\x00b'");
  const std::string nuls(100000, '\0');
  const std::string out = bounded_message(nuls);
  EXPECT_LE(out.size(), kMaxMessageBytes);
  EXPECT_EQ(out.find('\0'), std::string::npos);
  EXPECT_EQ(out.substr(0, 8), "\\x00\\x00");
}

TEST(BoundedQuotes, SmallValuesAreQuotedWhole) {
  const Json value = Json::parse(R"({"a": [1, 2.5, null, true, "x'y"], "b": {}})");
  EXPECT_EQ(python::repr_prefix(value, 1000), python::repr(value));
  EXPECT_EQ(python::repr_prefix(Json::array({1, 2}), 1000, python::Sequence::Tuple), "(1, 2)");
  EXPECT_EQ(python::str_prefix(Json("text"), 1000), "text");
  EXPECT_EQ(python::quote_prefix("it's", 1000), python::quote("it's"));
  EXPECT_EQ(dump_prefix(value, 1000), value.dump());
}

TEST(BoundedQuotes, LargeValuesAreCutAtTheLimit) {
  Json big = Json::array();
  for (int i = 0; i < 1000000; ++i) big.push_back(i);
  const std::string repr = python::repr_prefix(big, 100, python::Sequence::Tuple);
  EXPECT_LE(repr.size(), 103u);
  EXPECT_EQ(repr.substr(repr.size() - 3), "...");
  EXPECT_EQ(repr.substr(0, 20), "(0, 1, 2, 3, 4, 5, 6");
  const std::string dump = dump_prefix(big, 100);
  EXPECT_EQ(dump, big.dump().substr(0, 100) + "...");
  const std::string long_text(5000000, 'z');
  EXPECT_EQ(python::str_prefix(Json(long_text), 10), "zzzzzzzzzz...");
  EXPECT_EQ(python::quote_prefix(long_text, 10), "'zzzzzzzzz...");
  EXPECT_EQ(dump_prefix(Json(long_text), 10), "\"zzzzzzzzz...");
  // Never inside a UTF-8 sequence.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";
  EXPECT_TRUE(is_valid_utf8(python::str_prefix(Json(accents), 11)));
  EXPECT_TRUE(is_valid_utf8(dump_prefix(Json(accents), 12)));
}

TEST(ScanJson, CountsValuesOutsideStrings) {
  EXPECT_EQ(scan_json("1", 10).values, 1u);
  EXPECT_EQ(scan_json("[]", 10).values, 1u);
  EXPECT_EQ(scan_json("{}", 10).values, 1u);
  EXPECT_EQ(scan_json(R"({"a": 1})", 10).values, 2u);  // the object and 1; keys are not values
  EXPECT_EQ(scan_json(R"([1, "x", true, null, -1.5e+10, false, {}, []])", 10).values, 9u);
  EXPECT_EQ(scan_json(R"({"a:[{": "]}:,\"[", "b": {"c": [0, 1]}})", 10).values, 6u);
  EXPECT_EQ(scan_json(" [ 1 ,\n2 ] ", 10).values, 3u);
  EXPECT_FALSE(scan_json("[[[]]]", 3).too_deep);
  EXPECT_TRUE(scan_json("[[[[]]]]", 3).too_deep);
  EXPECT_FALSE(scan_json(R"(["[[[[[[["])", 3).too_deep);
}

TEST(ScanJson, AgreesWithTheParserOnRandomDocuments) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    // A random document, written by nlohmann itself.
    std::function<Json(int)> make = [&](int depth) -> Json {
      switch (rng() % (depth > 4 ? 5 : 7)) {
        case 0: return nullptr;
        case 1: return (rng() % 2) == 0;
        case 2: return static_cast<int>(rng() % 2000) - 1000;
        case 3: return static_cast<double>(rng() % 1000) / 7.0;
        case 4: return std::string("s\"[{:,\\") + std::to_string(rng() % 10);
        case 5: {
          Json a = Json::array();
          for (unsigned i = rng() % 5; i > 0; --i) a.push_back(make(depth + 1));
          return a;
        }
        default: {
          Json o = Json::object();
          for (unsigned i = rng() % 5; i > 0; --i) o["k:" + std::to_string(rng() % 8)] = make(depth + 1);
          return o;
        }
      }
    };
    const Json doc = make(0);
    std::size_t count = 0;
    std::function<void(const Json&)> walk = [&](const Json& v) {
      ++count;
      if (v.is_structured()) {
        for (const auto& item : v) walk(item);
      }
    };
    walk(doc);
    EXPECT_EQ(scan_json(doc.dump(), 100).values, count) << doc.dump();
    EXPECT_EQ(scan_json(doc.dump(2), 100).values, count) << doc.dump(2);
  }
}

TEST(ParseJsonText, SameValuesAsNlohmannsParser) {
  for (const std::string& text :
       {std::string("null"), std::string("[1, 2.5, -3, 18446744073709551615, \"\\u00e9\\n\", true, {}]"),
        std::string(R"({"b": 1, "a": {"y": [], "x": null}, "c": "z"})"),
        std::string(R"({"a": 1, "b": 2, "a": 3})"),  // a repeated key: first place, last value
        std::string(R"({"a": {"p": 1}, "b": 2, "a": {"q": 2}, "a": [7]})")}) {
    EXPECT_EQ(parse_json_text(text), Json::parse(text)) << text;
    EXPECT_EQ(parse_json_text(text).dump(), Json::parse(text).dump()) << text;
  }
  // Objects past the pairwise check, with repeats of several keys in several places.
  std::mt19937 rng(11);
  for (int round = 0; round < 200; ++round) {
    std::string text = "{";
    const unsigned n = 17 + rng() % 60;
    for (unsigned i = 0; i < n; ++i) {
      text += (i ? ", \"" : "\"") + std::to_string(rng() % (round % 2 ? 200 : 40)) + "\": " + std::to_string(i);
    }
    text += "}";
    EXPECT_EQ(parse_json_text(text).dump(), Json::parse(text).dump()) << text;
  }
}

TEST(ParseJsonText, LinearInTheKeysOfAnObject) {
  // 300,000 keys: nlohmann's ordered_json would compare ~4.5e10 keys; here this takes well under a second.
  std::string text = "{";
  for (int i = 0; i < 300000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += ",\"k7\":\"last\"}";
  const Json value = parse_json_text(text);
  ASSERT_EQ(value.size(), 300000u);
  EXPECT_EQ(value["k7"], "last");
  EXPECT_EQ(value.begin().key(), "k0");
  EXPECT_EQ(std::next(value.begin(), 7).key(), "k7");
}

TEST(ParseJsonText, MalformedTextThrowsNlohmannsError) {
  for (const std::string& text : {std::string("[1,"), std::string("{\"a\" 1}"), std::string("1e999"),
                                 std::string(""), std::string("[1] x")}) {
    std::string expected;
    try {
      const Json ignored = Json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      expected = e.what();
    }
    ASSERT_FALSE(expected.empty()) << text;
    try {
      const Json parsed = parse_json_text(text);
      ADD_FAILURE() << text << " parsed as " << parsed.dump();
    } catch (const nlohmann::json::parse_error& e) {
      EXPECT_EQ(std::string(e.what()), expected);
    } catch (const nlohmann::json::exception& e) {
      EXPECT_EQ(std::string(e.what()), expected);
    }
  }
}

// Keras's keras.src.utils.naming.to_snake_case, recorded by tools/fixtures/gen_naming_fixtures.py.
TEST(ToSnakeCase, AsKerasWritesIt) {
  std::ifstream in(std::string(INLAY_FIXTURES_DIR) + "/naming_cases.json");
  ASSERT_TRUE(in) << "naming_cases.json";
  const Json fixture = Json::parse(in);
  ASSERT_GE(fixture["cases"].size(), 500u);
  for (const Json& c : fixture["cases"]) {
    EXPECT_EQ(to_snake_case(c["name"].get<std::string>()), c["snake"].get<std::string>()) << c["name"];
  }
}

TEST(ToSnakeCase, LinearOnLongNames) {
  std::string name;
  std::string expected;
  for (int i = 0; i < 500000; ++i) {
    name += "Ab";
    expected += i ? "_ab" : "ab";
  }
  EXPECT_EQ(to_snake_case(name), expected);
  EXPECT_EQ(to_snake_case(std::string(1000000, '#')), "");
}

}  // namespace
}  // namespace inlay::core
