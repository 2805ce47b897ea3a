"""Which side of an accusation a unit or a person is on (Art. 30 ¶3).

Kept below both the selectors and the services, which each need it, so neither imports the other for it.
"""

from __future__ import annotations

from xinfang.orgs.models import Unit, UnitType, User
from xinfang.petitions.models import Nature, Petition

# Units whose duty is to receive accusations; they stay able to see one aimed at their own government.
ACCUSATION_CHANNEL_TYPES = frozenset({UnitType.PETITION_DEPT, UnitType.DISCIPLINE})


def is_accused_side(unit: Unit | None, user: User | None, petition: Petition) -> bool:
    """Art. 30 ¶3: an accusation never reaches the accused person or unit (nor units under the accused unit).

    Petition departments and discipline organs under an accused government keep their duty to receive it;
    the accused unit itself never does.
    """
    if petition.nature != Nature.ACCUSATION:
        return False
    if user is not None and petition.accused_staff_id is not None and petition.accused_staff_id == user.pk:
        return True
    if unit is None or petition.accused_unit_id is None:
        return False
    if petition.accused_unit_id == unit.pk:
        return True
    return petition.accused_unit_id in unit.ancestor_ids and unit.unit_type not in ACCUSATION_CHANNEL_TYPES
