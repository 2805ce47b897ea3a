"""Plain-record text analytics: no ORM here, so the same code serves commands, benchmarks and the spine."""
