import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
