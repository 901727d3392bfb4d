import streamlit as st

from message import MESSAGE

st.title(MESSAGE)
