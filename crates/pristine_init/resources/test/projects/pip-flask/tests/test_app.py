from app import create_app


def test_index():
    assert create_app().test_client().get("/").status_code == 200
