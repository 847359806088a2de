def test_home_sends_worker_to_today(login):
    response = login("worker.scapi").get("/")
    assert response.status_code == 302
    assert response["Location"] == "/agenda/"
