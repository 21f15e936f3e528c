"""Looking inside a network: what the app draws.

Engine code only (NumPy, no UI): every function takes a model and an input
and returns arrays and small records for the app to display.

* :mod:`.activations` — every layer's output and output gradient, by name;
* :mod:`.receptive_field` — theoretical and effective receptive fields;
* :mod:`.saliency` — input-gradient saliency maps and class probabilities;
* :mod:`.translation` — shifting the input: equivariance and invariance;
* :mod:`.weights` — singular values and low-rank approximations of weights;
* :mod:`.unit` — the arithmetic behind one clicked activation;
* :mod:`.roofline` — arithmetic intensity per layer and this machine's roofline;
* :mod:`.pooling` — one map pooled, and where its gradient goes;
* :mod:`.channel_pooling` — attention and bilinear pooling over every channel;
* :mod:`.nonlinearity` — activation curves and slopes, dead ReLUs, saturated units.
"""
from .activations import *  # noqa: F401,F403
from .receptive_field import *  # noqa: F401,F403
from .saliency import *  # noqa: F401,F403
from .translation import *  # noqa: F401,F403
from .unit import *  # noqa: F401,F403
from .weights import *  # noqa: F401,F403
from .summary import *  # noqa: F401,F403
from .roofline import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .channel_pooling import *  # noqa: F401,F403
from .nonlinearity import *  # noqa: F401,F403
