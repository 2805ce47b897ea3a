"""Models of xinfang.reception."""
