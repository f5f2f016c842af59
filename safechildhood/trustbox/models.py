"""Models of the anonymous trust box for children."""
