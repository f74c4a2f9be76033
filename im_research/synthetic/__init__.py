"""Synthetic data: population models with known truth (``simulate``) and the canonical
internal-marketing models (``models``)."""
