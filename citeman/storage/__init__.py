"""Storage primitives: atomic file replacement and the library write lock."""
