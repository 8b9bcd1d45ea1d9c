"""convo's tests, in folders by kind: unit, functional, app and e2e."""
