#include "layers/gaussian_dropout.hpp"

#include "layers/activation_args.hpp"
#include "util/error.hpp"

namespace inlay::core {

std::unique_ptr<Layer> GaussianDropout::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  if (!args.has("rate")) throw_invalid("GaussianDropout.__init__() missing 1 required positional argument: 'rate'");
  std::unique_ptr<GaussianDropout> layer(new GaussianDropout(BaseLayerConfig::read(args, graph, {"rate", "seed"})));
  layer->rate_ = args.take("rate");
  layer->seed_ = args.take("seed");
  if (check_unit_interval(layer->rate_, "rate") > 0) check_seed(layer->seed_);
  return layer;
}

Json GaussianDropout::get_config() const {
  Json config = base_.to_json();
  config["rate"] = rate_;
  config["seed"] = seed_;
  return config;
}

}  // namespace inlay::core
