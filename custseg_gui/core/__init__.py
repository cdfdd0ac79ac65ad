"""The analysis itself: pandas, scikit-learn and matplotlib figures. Never imports Qt."""
