"""Access rules of trustbox: registered into the policy's tables (see policy.py)."""
