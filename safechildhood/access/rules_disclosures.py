"""Access rules of disclosures: registered into the policy's tables (see policy.py)."""
