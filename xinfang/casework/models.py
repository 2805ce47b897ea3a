"""Models of xinfang.casework."""
