"""No-AI focus blocks: the weekly calibration benchmark (pure)."""
