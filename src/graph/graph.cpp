#include "graph/graph.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace inlay::core {
namespace {

bool is_upper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool is_lower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }
bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

}  // namespace

std::string to_snake_case(std::string_view name) {
  // re.sub(r"\W+", "", name)
  std::string word;
  for (char c : name) {
    if (is_word(c)) word += c;
  }
  // re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name): an underscore before each capitalised word not at the start.
  std::string split;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (i > 0 && is_upper(word[i]) && i + 1 < word.size() && is_lower(word[i + 1])) split += '_';
    split += word[i];
  }
  // re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
  std::string out;
  for (std::size_t i = 0; i < split.size(); ++i) {
    if (i > 0 && is_lower(split[i - 1]) && is_upper(split[i])) out += '_';
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(split[i])));
  }
  return out;
}

std::string Graph::auto_name(std::string_view class_name) {
  auto known = std::find_if(snake_cases_.begin(), snake_cases_.end(),
                            [&](const SnakeCase& entry) { return entry.class_name == class_name; });
  if (known == snake_cases_.end()) {
    std::string prefix = to_snake_case(class_name);
    int& uses = name_uids_[prefix];  // unordered_map elements stay put: the entry keeps a pointer
    snake_cases_.push_back({std::string(class_name), std::move(prefix), &uses});
    known = snake_cases_.end() - 1;
  }
  int& uses = *known->uses;
  std::string name = uses == 0 ? known->prefix : known->prefix + "_" + std::to_string(uses);
  ++uses;
  return name;
}

KerasTensor& Graph::add_tensor(TypeSpec spec, std::string name) {
  const int id = static_cast<int>(tensors_.size());
  tensors_.push_back(std::make_unique<KerasTensor>(*this, id, std::move(spec), std::move(name)));
  return *tensors_.back();
}

Layer& Graph::add_layer(std::unique_ptr<Layer> layer) {
  layer->graph_ = this;
  layer->graph_index_ = static_cast<int>(layers_.size());
  layers_.push_back(std::move(layer));
  return *layers_.back();
}

}  // namespace inlay::core
