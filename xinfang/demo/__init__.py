"""The demo: one command that loads every app's demo data in order.

It sits at the top of the import graph (it calls every desk's ``demo`` module), so no domain app reaches up for it.
"""
