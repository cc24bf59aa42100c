def test_healthz(browser):
    assert browser.get("/healthz").status_code == 200


def test_home_redirects_by_accept_language(browser):
    r = browser.get("/", headers={"Accept-Language": "ur-PK,ur;q=0.9,en;q=0.5"})
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/ur/")
