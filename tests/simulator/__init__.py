"""Local simulator of the Acronis Account Management API v2.

Start it with `python -m tests.simulator --port 0`; drive it from Python with
`tests.simulator.control` (SimulatorProcess, SimulatorAdmin).
"""
