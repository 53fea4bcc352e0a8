"""Test addon delta: tasks with a stage, amounts, business actions and lines, to drive
every feature of the generic screens and API (kanban, group by, totals, actions...)."""
