"""Views of the staff workbench: thin — parse, call a petition service or selector, render."""
