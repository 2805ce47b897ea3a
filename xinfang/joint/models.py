"""Models of xinfang.joint."""
