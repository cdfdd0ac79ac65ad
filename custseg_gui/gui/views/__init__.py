"""Views: panels and canvases. Layout only, no decisions; controllers fill them."""
