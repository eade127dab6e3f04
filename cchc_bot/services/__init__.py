"""Services: one method, one transaction; they return plain dataclasses, never ORM rows."""
