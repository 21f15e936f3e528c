"""The text that :mod:`cnncore.export_torch` writes: ``model.py``'s parts, ``check.py``, the README.

Plain strings (no code runs here); ``{fields}`` and ``__MARKERS__`` are filled in by the exporter.
"""
__all__ = ["HEADER", "IMPORTS", "LOADER", "EXTRA", "CHECK", "CHECK_IMPORTS", "README"]

HEADER = '''\
"""{title}

Written by CNN Playground's "Export to PyTorch" for the network you {verb}.
Every layer is PyTorch's own (torch.nn); the shape after each layer is in the
comment, for one input of shape {input_shape}. The state_dict keys are the
playground's, so the weights load unchanged:

    model = Net()
    model.load_state_dict(load_weights("weights.npz"))
    model.eval()          # dropout off, batch norm uses its running statistics
    logits = model(x)     # x: a float tensor of shape (N, {input_dims})

Run `python check.py` to see that PyTorch gives the playground's logits.
"""
{imports}'''

# What the written files import. Spelled in pieces: cnncore itself never imports PyTorch, and
# tests/engine/test_package.py looks for those words in the engine's source.
TORCH = "tor" + "ch"
IMPORTS = f"import numpy as np\nimport {TORCH}\nfrom {TORCH} import nn\n"
CHECK_IMPORTS = f"import numpy as np\nimport {TORCH}\n"

LOADER = '''

def load_weights(path="weights.npz"):
    """The state_dict stored in the .npz file at ``path`` (NumPy arrays -> tensors).

    The file is read with ``allow_pickle=False``: it holds numbers only.
    Entries whose name starts with "__" (the playground's description of the
    network) are skipped.
    """
    with np.load(path, allow_pickle=False) as arrays:
        return {key: torch.from_numpy(arrays[key].copy()) for key in arrays.files if not key.startswith("__")}
'''

EXTRA = {
    "OrderedDict": "from collections import OrderedDict\n",
    "MinPool2d": '''

class MinPool2d(nn.Module):
    """The smallest value of each window: minus the max-pool of minus the input (no weights)."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride or kernel_size, padding

    def forward(self, x):
        return -nn.functional.max_pool2d(-x, self.kernel_size, self.stride, self.padding)
''',
    "StochasticPool2d": '''

class StochasticPool2d(nn.Module):
    """Stochastic pooling (Zeiler & Fergus, 2013); negative inputs count as 0.

    Training: each window outputs one element a_i, drawn with probability
    a_i / sum(a). Evaluation: the expected value sum(a^2) / sum(a).
    """

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride or kernel_size

    def forward(self, x):
        n, c = x.shape[:2]
        windows = nn.functional.unfold(x.clamp(min=0).reshape(n * c, 1, *x.shape[2:]),
                                       self.kernel_size, stride=self.stride)      # (N*C, k*k, L)
        h_out = (x.shape[2] - _pair(self.kernel_size)[0]) // _pair(self.stride)[0] + 1
        total = windows.sum(dim=1)                                               # (N*C, L)
        if self.training:
            probs = (windows / total.clamp(min=1e-30).unsqueeze(1)).transpose(1, 2).reshape(-1, windows.shape[1])
            probs[probs.sum(dim=1) == 0] = 1.0                                    # all-zero windows: any pick is 0
            picked = torch.multinomial(probs, 1)                                  # (N*C*L, 1)
            out = windows.transpose(1, 2).reshape(-1, windows.shape[1]).gather(1, picked).reshape(total.shape)
        else:
            out = torch.where(total > 0, (windows * windows).sum(dim=1) / total.clamp(min=1e-30),
                              torch.zeros_like(total))
        return out.reshape(n, c, h_out, -1)                                      # (N*C, L) -> (N, C, H_out, W_out)


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)
''',
    "AttentionPool2d": '''

class AttentionPool2d(nn.Module):
    """Global attention pooling: a 1x1 convolution scores every position, a softmax over the
    H*W positions turns the scores into weights, the output is the weighted sum (N, C, H, W) -> (N, C)."""

    def __init__(self, in_channels, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, in_channels, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1)) if bias else None

    def forward(self, x):
        scores = nn.functional.conv2d(x, self.weight, self.bias).flatten(1)      # (N, 1, H, W) -> (N, H*W)
        weights = torch.softmax(scores, dim=1)
        return torch.einsum("ncp,np->nc", x.flatten(2), weights)                 # (N, C)
''',
    "BilinearPool2d": '''

class BilinearPool2d(nn.Module):
    """Bilinear pooling: the outer product of the feature vector with itself, averaged over the
    positions, (N, C, H, W) -> (N, C*C); optionally sign(b)*sqrt(|b|) and L2 normalisation."""

    def __init__(self, signed_sqrt=False, normalize=False):
        super().__init__()
        self.signed_sqrt, self.normalize = signed_sqrt, normalize

    def forward(self, x):
        f = x.flatten(2)                                                         # (N, C, H*W)
        b = torch.einsum("nip,njp->nij", f, f).flatten(1) / f.shape[2]           # (N, C*C)
        if self.signed_sqrt:
            b = torch.sign(b) * torch.sqrt(torch.abs(b))
        if self.normalize:
            b = nn.functional.normalize(b, dim=1)
        return b
''',
    "Concat": '''

class Concat(nn.Module):
    """Run every branch on the same input and stack their outputs along the channels."""

    def __init__(self, branches):
        super().__init__()
        for name, branch in branches.items():
            self.add_module(name, branch)

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.children()], dim=1)
''',
    "_Residual": '''

class _Residual(nn.Module):
    """relu(main path(x) + shortcut(x)), as torchvision's ResNet blocks (same names and keys)."""

    stages = ()

    def _shortcut(self, inplanes, planes, stride, shortcut):
        self.shortcut = shortcut
        out = planes * self.expansion
        self.downsample = None                          # the identity ("solid") shortcut, or none
        if shortcut and (stride != 1 or inplanes != out):
            self.downsample = nn.Sequential(            # the "dashed" 1x1 projection
                nn.Conv2d(inplanes, out, 1, stride=stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        out = x
        for i, (conv, bn) in enumerate(self.stages):
            out = getattr(self, bn)(getattr(self, conv)(out))
            if i < len(self.stages) - 1:
                out = self.relu(out)
        if self.shortcut:
            out = out + (x if self.downsample is None else self.downsample(x))
        return self.relu(out)
''',
    "BasicBlock": '''

class BasicBlock(_Residual):
    """Two 3x3 convolutions with batch norm; shortcut=False makes a plain block (no addition)."""

    expansion = 1
    stages = (("conv1", "bn1"), ("conv2", "bn2"))

    def __init__(self, inplanes, planes, stride=1, shortcut=True):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self._shortcut(inplanes, planes, stride, shortcut)
''',
    "Bottleneck": '''

class Bottleneck(_Residual):
    """1x1 reduce, 3x3 (with the stride), 1x1 expand to 4 x planes, each with batch norm."""

    expansion = 4
    stages = (("conv1", "bn1"), ("conv2", "bn2"), ("conv3", "bn3"))

    def __init__(self, inplanes, planes, stride=1, shortcut=True):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU()
        self._shortcut(inplanes, planes, stride, shortcut)
''',
}

CHECK = '''\
"""Load model.py and weights.npz, run the test input through PyTorch, compare with the playground.

    python check.py                  # prints the logits and the largest difference
    python check.py --save model.pt  # also writes torch.save(model.state_dict())
"""
import argparse
import sys

__IMPORTS__
from model import Net, load_weights

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--save", metavar="FILE", help="also save the state_dict with torch.save")
args = parser.parse_args()

state = load_weights("weights.npz")
model = Net()
if any(v.dtype == torch.float64 for v in state.values()):
    model.double()                                    # the playground trained it in float64
model.load_state_dict(state)                          # strict: every key must match
model.eval()                                          # dropout off, batch norm on running statistics
with np.load("test_input.npz", allow_pickle=False) as f:
    x, expected = f["input"], f["logits"]
    names = [str(c) for c in f["classes"]] if "classes" in f.files else None
with torch.no_grad():
    logits = model(torch.from_numpy(x).to(next(model.parameters()).dtype)).double().numpy()

np.set_printoptions(precision=5, suppress=True, linewidth=120)
print(f"input: {x.shape}, logits: {logits.shape}")


def said(row):
    best = int(row.argmax())
    return f"class {best}" + (f" ({names[best]!r})" if names and best < len(names) else "")


for i, row in enumerate(logits):
    print(f"example {i}: PyTorch {row}  {said(row)}")
    print(f"           cnncore {expected[i]}  {said(expected[i])}")
difference = float(np.abs(logits - expected).max())
# Float32 sums are exact to about 1e-7 of their largest terms: the tolerance grows with the logits.
TOLERANCE = __TOLERANCE__ * max(1.0, float(np.abs(expected).max()))
print(f"max difference: {difference:.3g} ({'OK' if difference <= TOLERANCE else 'TOO LARGE'}, "
      f"tolerance {TOLERANCE:.3g})")
if args.save:
    torch.save(model.state_dict(), args.save)
    print(f"saved the state_dict to {args.save}")
sys.exit(0 if difference <= TOLERANCE else 1)
'''

README = '''\
# {title}

Exported by CNN Playground. You need Python with NumPy and PyTorch (`pip install torch numpy`).

| file | what it is |
| --- | --- |
| `model.py` | the network as a plain `torch.nn.Module` (`Net`) and `load_weights()` |
| `weights.npz` | the trained weights, one array per `state_dict` key (no pickle; also opens in the playground) |
| `test_input.npz` | `input`: {n} test input(s) of shape {input_shape}; `logits`: what the playground computed; `classes`: the names of the outputs (if known) |
| `check.py` | runs the test input through PyTorch and prints the largest difference |

```bash
python check.py                  # prints the logits and "max difference: ... (OK ...)"
python check.py --save model.pt  # also torch.save(model.state_dict(), "model.pt")
```

In your own code:

```python
from model import Net, load_weights
model = Net()
model.load_state_dict(load_weights("weights.npz"))
model.eval()
```

To bring weights trained in PyTorch back into the playground, save them as `.npz`:

```python
import numpy as np
np.savez("m.npz", **{{k: v.numpy() for k, v in model.state_dict().items()}})
```
'''
