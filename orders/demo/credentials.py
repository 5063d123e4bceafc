"""Demo-only logins created by seed_demo. Anyone who reads the README knows them: change the
passwords, or don't seed, on any shop that faces the internet.

`python -m orders.demo.credentials` prints them (make run's banner)."""

CUSTOMER_PASSWORD = "harbor-demo-2024"
STAFF_PASSWORD = "harbor-staff-2024"
ADMIN_USERNAME = "admin"
# (username, first name, last name, is supervisor)
AGENTS = [
    ("sam", "Sam", "Rivera", False),
    ("sue", "Sue", "Okafor", True),
    ("kim", "Kim", "Lee", False),
]


def banner() -> str:
    agents = ", ".join(f"{u}{' (supervisor)' if sup else ''}" for u, _, _, sup in AGENTS)
    return (
        "Demo logins (demo only; change before going live):\n"
        f"  customer  alice@example.com / {CUSTOMER_PASSWORD}   (also bob@example.com)\n"
        f"  admin     {ADMIN_USERNAME} / {STAFF_PASSWORD}\n"
        f"  agents    {agents} / {STAFF_PASSWORD}"
    )


if __name__ == "__main__":
    print(banner())
