from citeman.cli.main import run

run()
