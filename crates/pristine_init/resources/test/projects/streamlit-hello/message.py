MESSAGE = "hello from streamlit-hello"
