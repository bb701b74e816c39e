"""The vocabulary of synthetic scenarios (``dispatch generate``): city centres, skills,
people's and clients' names, ticket templates, priority mixes and shift patterns.

Only data lives here; ``generator`` draws from it in a fixed order, so changing any
tuple (even its order) changes every generated scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_CENTRES: dict[str, tuple[float, float]] = {
    "Europe/London": (51.5074, -0.1278),
    "Europe/Dublin": (53.3498, -6.2603),
    "Europe/Paris": (48.8566, 2.3522),
    "Europe/Berlin": (52.5200, 13.4050),
    "Europe/Amsterdam": (52.3676, 4.9041),
    "Europe/Madrid": (40.4168, -3.7038),
    "America/New_York": (40.7128, -74.0060),
    "America/Chicago": (41.8781, -87.6298),
    "America/Denver": (39.7392, -104.9903),
    "America/Los_Angeles": (34.0522, -118.2437),
    "America/Toronto": (43.6532, -79.3832),
    "Australia/Sydney": (-33.8688, 151.2093),
    "Asia/Singapore": (1.3521, 103.8198),
    "UTC": (51.5074, -0.1278),
}

SKILL_POOL = (
    "windows",
    "m365",
    "networking",
    "firewall",
    "linux",
    "backup",
    "voip",
    "printers",
    "security",
    "azure",
)
# How common each skill is among engineers: desktop/M365 work is everyone's,
# firewalls and Linux are specialist.
SKILL_COMMONNESS = (0.95, 0.9, 0.6, 0.35, 0.3, 0.5, 0.3, 0.55, 0.35, 0.3)

FIRST_NAMES = (
    "Alice", "Ben", "Chloe", "Dev", "Ella", "Farid", "Grace", "Harry", "Isla", "Jamal",
    "Kate", "Liam", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Ravi", "Sophie", "Tom",
    "Uma", "Victor", "Wendy", "Xavier", "Yasmin", "Zach", "Aisha", "Callum", "Daniel", "Erin",
    "Femi", "Georgia", "Hamza", "Imogen", "Jack", "Leah", "Marcus", "Nadia", "Oscar", "Ruth",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Patel", "Jones", "Khan", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson",
    "Thomas", "Roberts", "Ahmed", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
    "Edwards", "Green", "Hall", "Lewis", "Harris", "Clarke", "Okafor", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Nowak",
)  # fmt: skip
CLIENT_WORDS = (
    "Harbour", "Kestrel", "Oakfield", "Riverside", "Northgate", "Summit", "Bramble", "Copper",
    "Falcon", "Greenway", "Highland", "Ironbridge", "Juniper", "Lakeside", "Meridian", "Millbrook",
    "Orchard", "Pinewood", "Quayside", "Redwood", "Silverline", "Thistle", "Upland", "Vantage",
    "Westfield", "Willow", "Ashdown", "Beacon", "Cedar", "Drummond", "Elm", "Foxley",
)  # fmt: skip
CLIENT_KINDS = (
    "Dental", "Logistics", "Accountants", "Solicitors", "Veterinary Clinic", "Architects",
    "Estate Agents", "Engineering", "Pharmacy", "Print Works", "Surveyors", "Recruitment",
    "Bakery", "Motors", "Wealth Management", "Medical Practice", "Design Studio", "Trust School",
)  # fmt: skip

# The p50 efforts (minutes) a ticket draws from; short work is the commonest.
P50_CHOICES = (15, 20, 30, 45, 60, 90, 120, 180, 240)
P50_WEIGHTS = (10, 6, 16, 12, 16, 12, 14, 8, 6)


@dataclass(frozen=True)
class Template:
    """A kind of ticket: what it reads like, what it needs and how long it takes."""

    summary: str
    skills: tuple[str, ...]
    mode: str  # "remote", "onsite" or "either"
    max_p50: int = 240
    urgent: bool = False  # plausible as a P1


TEMPLATES: tuple[Template, ...] = (
    Template("Outlook keeps asking for password", ("m365",), "remote", 60),
    Template("Shared mailbox not showing in Outlook", ("m365",), "remote", 60),
    Template("New starter: set up M365 account and licence", ("m365",), "remote", 90),
    Template("M365 licences needed for two new hires", ("m365",), "remote", 45),
    Template("Teams calls dropping for sales team", ("m365", "networking"), "remote", 120),
    Template("OneDrive not syncing on director's laptop", ("m365",), "remote", 60),
    Template("Leaver: disable account and forward mail", ("m365",), "remote", 45),
    Template("Calendar permissions for PA", ("m365",), "remote", 30),
    Template("Password reset and MFA re-registration", ("m365",), "remote", 30),
    Template("Email bouncing for whole company", ("m365",), "remote", 120, urgent=True),
    Template("Laptop very slow after update", ("windows",), "either", 120),
    Template("Blue screen on reception PC", ("windows",), "either", 120),
    Template("Windows update stuck at 35%", ("windows",), "either", 90),
    Template("User profile corrupted after reboot", ("windows",), "remote", 120),
    Template("Install line-of-business app for accounts", ("windows",), "remote", 120),
    Template("New laptop setup for starter", ("windows", "m365"), "either", 180),
    Template("Replace failed laptop SSD", ("windows",), "onsite", 180),
    Template("Switch stack reboot at branch", ("networking",), "onsite", 120),
    Template("Wi-Fi dropping in meeting rooms", ("networking",), "either", 180),
    Template("VPN disconnects every 10 minutes", ("networking",), "remote", 120),
    Template("Site-to-site VPN down to warehouse", ("networking", "firewall"), "remote", 180, True),
    Template("DHCP scope exhausted on guest network", ("networking",), "remote", 60),
    Template("Slow internet at head office", ("networking",), "either", 120),
    Template("Whole office offline", ("networking",), "onsite", 180, urgent=True),
    Template("Firewall down at HQ", ("firewall", "networking"), "onsite", 180, urgent=True),
    Template("Firewall firmware update", ("firewall",), "remote", 120),
    Template("Open port for new CCTV system", ("firewall",), "remote", 45),
    Template("Block rule for phishing domain", ("firewall", "security"), "remote", 30),
    Template("Web server disk full", ("linux",), "remote", 90, urgent=True),
    Template("Cron backup job failing on Linux box", ("linux", "backup"), "remote", 120),
    Template("SSL certificate expired on intranet", ("linux",), "remote", 60, urgent=True),
    Template("Patch Ubuntu servers", ("linux",), "remote", 240),
    Template("Backup job failed overnight", ("backup",), "remote", 90),
    Template("Restore deleted folder from backup", ("backup",), "remote", 60),
    Template("Backup NAS showing degraded", ("backup",), "either", 180),
    Template("Server down - RAID degraded", ("windows", "backup"), "onsite", 240, urgent=True),
    Template("Desk phones not registering", ("voip", "networking"), "either", 120, urgent=True),
    Template("Call queue redirect for holiday hours", ("voip",), "remote", 30),
    Template("Poor call quality on VoIP", ("voip", "networking"), "remote", 120),
    Template("New extension for starter", ("voip",), "remote", 20),
    Template("Printer offline on second floor", ("printers",), "either", 60),
    Template("Scan to email not working", ("printers", "m365"), "remote", 60),
    Template("Clear paper jam and replace fuser - MFP", ("printers",), "onsite", 90),
    Template("Install new printer in accounts", ("printers",), "onsite", 120),
    Template("Suspicious sign-in alert for finance user", ("security", "m365"), "remote", 60, True),
    Template("Phishing email reported - investigate", ("security",), "remote", 60),
    Template("Azure VM not starting", ("azure",), "remote", 120, urgent=True),
    Template("Entra ID sync errors", ("azure", "m365"), "remote", 90),
    Template("Move file shares to SharePoint", ("m365",), "remote", 240),
)

BREAK_FIX_TEMPLATES: tuple[Template, ...] = (
    Template("Server down - RAID degraded", ("windows", "backup"), "onsite", 240, urgent=True),
    Template("Server won't boot after power cut", ("windows",), "onsite", 240, urgent=True),
    Template("Whole office offline", ("networking",), "onsite", 180, urgent=True),
    Template("Ransomware suspected - isolate PCs", ("security", "windows"), "onsite", 240, True),
    Template("NAS not accessible from any PC", ("backup", "networking"), "either", 180, True),
    Template("Replace failed switch in comms cabinet", ("networking",), "onsite", 180),
    Template("Email not working since yesterday", ("m365",), "remote", 120),
    Template("Printer and scanner setup after office move", ("printers",), "onsite", 120),
    Template("Laptop won't power on", ("windows",), "onsite", 90),
    Template("Wi-Fi not reaching upstairs office", ("networking",), "onsite", 180),
    Template("Recover files from crashed PC", ("windows", "backup"), "either", 180),
)

# Multi-day on-site visits: the jobs that pull an engineer off the board for a day or two.
LONG_VISITS: tuple[Template, ...] = (
    Template("Server migration to new hardware", ("windows", "backup"), "onsite"),
    Template("Office move: re-cable and rebuild comms cabinet", ("networking",), "onsite"),
    Template("Rebuild domain controller after failure", ("windows", "azure"), "onsite"),
    Template("Network refresh: new switches and Wi-Fi", ("networking", "firewall"), "onsite"),
    Template("Restore all servers after flood damage", ("windows", "backup"), "onsite"),
)

MANAGED_PRIORITIES = (("P1", 5), ("P2", 20), ("P3", 45), ("P4", 30))
BREAK_FIX_PRIORITIES = (("P1", 35), ("P2", 65))
# Backlog age (days before the horizon starts) by priority: a week-old P1 would be absurd.
MAX_AGE_DAYS = {"P1": 1.0, "P2": 2.0, "P3": 5.0, "P4": 5.0}

SHIFT_PATTERNS: tuple[tuple[tuple[int, int], ...], ...] = (
    ((480, 750), (780, 1020)),  # 08:00-12:30, 13:00-17:00
    ((540, 780), (810, 1050)),  # 09:00-13:00, 13:30-17:30
    ((510, 750), (780, 1035)),  # 08:30-12:30, 13:00-17:15
)
HALF_DAY = ((480, 750),)  # a morning only
