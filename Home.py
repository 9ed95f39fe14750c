"""Aytada Studio: the Streamlit entry point (`streamlit run Home.py`); the app is `app_pages`."""

from app_pages.app import main

main()
