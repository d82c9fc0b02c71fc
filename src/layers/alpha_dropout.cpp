#include "layers/alpha_dropout.hpp"

#include "layers/activation_args.hpp"
#include "util/error.hpp"

namespace inlay::core {

std::unique_ptr<Layer> AlphaDropout::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  if (!args.has("rate")) throw_invalid("AlphaDropout.__init__() missing 1 required positional argument: 'rate'");
  std::unique_ptr<AlphaDropout> layer(
      new AlphaDropout(BaseLayerConfig::read(args, graph, {"rate", "noise_shape", "seed"})));
  layer->rate_ = args.take("rate");
  layer->seed_ = args.take("seed");
  layer->noise_shape_ = args.take("noise_shape");
  if (check_unit_interval(layer->rate_, "rate") > 0) check_seed(layer->seed_);
  return layer;
}

Json AlphaDropout::get_config() const {
  Json config = base_.to_json();
  config["rate"] = rate_;
  config["seed"] = seed_;
  config["noise_shape"] = noise_shape_;
  return config;
}

}  // namespace inlay::core
