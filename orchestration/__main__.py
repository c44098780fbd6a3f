"""`python -m orchestration` and the `newsledger` command: `orchestration.cli`'s command line.

A process that multiprocessing starts (a tag worker, a check's child forked from the validating
server) first imports the main module of the process that started it, unless that module is a
package's `__main__`; so this one is, and imports nothing until it runs.
"""


def main() -> None:
    from orchestration.cli import exit_now
    from orchestration.cli import main as run_command

    exit_now(run_command())


if __name__ == "__main__":
    main()
