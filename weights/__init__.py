"""The bundled models, one folder each, installed with genimg as the package genimg_weights (pyproject.toml);
genimg_gui.catalog.BUNDLED_DIR finds them. Data only: nothing here is imported to run a model."""
