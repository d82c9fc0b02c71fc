#include "layers/gaussian_noise.hpp"

#include "layers/activation_args.hpp"
#include "util/error.hpp"

namespace inlay::core {

std::unique_ptr<Layer> GaussianNoise::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  if (!args.has("stddev")) throw_invalid("GaussianNoise.__init__() missing 1 required positional argument: 'stddev'");
  std::unique_ptr<GaussianNoise> layer(new GaussianNoise(BaseLayerConfig::read(args, graph, {"stddev", "seed"})));
  layer->stddev_ = args.take("stddev");
  layer->seed_ = args.take("seed");
  if (check_unit_interval(layer->stddev_, "stddev") > 0) check_seed(layer->seed_);
  return layer;
}

Json GaussianNoise::get_config() const {
  Json config = base_.to_json();
  config["stddev"] = stddev_;
  config["seed"] = seed_;
  return config;
}

}  // namespace inlay::core
