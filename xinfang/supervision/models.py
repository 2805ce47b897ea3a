"""Models of xinfang.supervision."""
