"""Models of xinfang.notify."""
