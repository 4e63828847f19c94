-- dbagent: dialect=sqlite
-- A clean-up script somebody ran by hand. Both statements touch every row of their table.
DELETE FROM orders;

UPDATE customers SET loyalty_points = 0;
