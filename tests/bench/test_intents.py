"""The benchmark generator stays runnable (the 100k timing itself is run by hand)."""

from bench.intents import generate, main


def test_generate_is_deterministic():
    assert generate(50).equals(generate(50))


def test_main_runs_small(capsys):
    main(["--n", "200"])
    assert "classified 200 messages" in capsys.readouterr().out
