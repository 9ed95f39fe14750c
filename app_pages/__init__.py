"""The Streamlit pages: each file is one screen, run by `st.navigation` from Home.py."""
