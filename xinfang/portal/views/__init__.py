"""Views of the citizen portal: thin — parse a form, call a petition service or a portal selector, render."""
