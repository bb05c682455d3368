"""Pages of the Streamlit app (a thin shell over :mod:`planner`)."""
