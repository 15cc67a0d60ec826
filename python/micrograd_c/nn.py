"""micrograd's nn: Module, Neuron, Layer and MLP, with micrograd's semantics.

Weights come from random.uniform(-1, 1), drawn in micrograd's order (layer by
layer, neuron by neuron, weight by weight; biases start at 0), so that after
random.seed(1337) a network has micrograd's exact weights, and a training loop
written for micrograd gives micrograd's losses.
"""
import random

from ._core import Value, _weighted_sum

__all__ = ['Module', 'Neuron', 'Layer', 'MLP']


def _parameter(x):
    """A trainable leaf: pictures draw it as a parameter."""
    p = Value(x)
    p._role = 'param'
    return p


class Module:
    """What every part of a network has: its parameters and zero_grad()."""

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0

    def parameters(self):
        return []


class Neuron(Module):
    """nin weights and a bias; ReLU of the weighted sum unless nonlin=False."""

    def __init__(self, nin, nonlin=True):
        self.w = [_parameter(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = _parameter(0)
        self.nonlin = nonlin

    def __call__(self, x):
        # sum((wi*xi for wi, xi in zip(self.w, x)), self.b), done in C with the
        # same operators in the same order: the same graph, the same numbers
        act = _weighted_sum(self.w, x, self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        kind = 'ReLU' if self.nonlin else 'Linear'
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    """nout neurons, each seeing the whole input; one output comes back bare."""

    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        outs = [neuron(x) for neuron in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def __repr__(self):
        return "Layer of [" + ", ".join(str(neuron) for neuron in self.neurons) + "]"


class MLP(Module):
    """Layers of the given widths; every layer but the last one is ReLU."""

    def __init__(self, nin, nouts):
        sizes = [nin] + list(nouts)
        last = len(sizes) - 2
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != last)
                       for i in range(len(sizes) - 1)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return "MLP of [" + ", ".join(str(layer) for layer in self.layers) + "]"
