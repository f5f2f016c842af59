"""Access rules of statistics: registered into the policy's tables (see policy.py)."""
