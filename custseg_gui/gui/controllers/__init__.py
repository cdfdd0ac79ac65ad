"""Controllers: each connects one part of the window to the document and the worker."""
