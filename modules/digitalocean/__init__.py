"""DigitalOcean Gradient: text2vec-digitalocean."""
