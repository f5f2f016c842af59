"""Access rules of prevention: registered into the policy's tables (see policy.py)."""
