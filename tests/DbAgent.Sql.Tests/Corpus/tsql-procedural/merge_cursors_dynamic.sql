MERGE dbo.products AS target
USING dbo.products_staging AS source
    ON target.sku = source.sku
WHEN MATCHED AND target.price <> source.price THEN
    UPDATE SET target.price = source.price, target.updated_at = SYSUTCDATETIME()
WHEN NOT MATCHED BY TARGET THEN
    INSERT (sku, name, price) VALUES (source.sku, source.name, source.price)
WHEN NOT MATCHED BY SOURCE THEN
    DELETE
OUTPUT $action, inserted.sku, deleted.sku;
GO
DECLARE @changes TABLE (action nvarchar(10), sku nvarchar(40));
MERGE INTO dbo.stock WITH (HOLDLOCK) AS s
USING (SELECT sku, SUM(quantity) AS quantity FROM dbo.deliveries GROUP BY sku) AS d
    ON s.sku = d.sku
WHEN MATCHED THEN UPDATE SET s.quantity = s.quantity + d.quantity
WHEN NOT MATCHED THEN INSERT (sku, quantity) VALUES (d.sku, d.quantity)
OUTPUT $action, inserted.sku INTO @changes (action, sku);
SELECT action, COUNT(*) AS n FROM @changes GROUP BY action;
GO
DECLARE @id int, @status nvarchar(20);
DECLARE order_cursor CURSOR LOCAL FAST_FORWARD FOR
    SELECT id, status FROM dbo.orders WHERE status = N'open';
OPEN order_cursor;
FETCH NEXT FROM order_cursor INTO @id, @status;
WHILE @@FETCH_STATUS = 0
BEGIN
    EXEC dbo.usp_touch_order @id = @id;
    FETCH NEXT FROM order_cursor INTO @id, @status;
END
CLOSE order_cursor;
DEALLOCATE order_cursor;
GO
DECLARE @table sysname = N'orders', @sql nvarchar(max);
SET @sql = N'SELECT COUNT(*) FROM dbo.' + QUOTENAME(@table) + N' WHERE status = @status';
EXEC sys.sp_executesql @sql, N'@status nvarchar(20)', @status = N'open';
EXECUTE (N'SELECT 1 AS one');
GO
BEGIN TRY
    SELECT 1 / 0 AS boom;
END TRY
BEGIN CATCH
    SELECT ERROR_NUMBER() AS number, ERROR_MESSAGE() AS message;
END CATCH;
GO
WITH recent AS (
    SELECT customer_id, MAX(created_at) AS last_order FROM dbo.orders GROUP BY customer_id
)
UPDATE c SET c.last_order_at = r.last_order
FROM dbo.customers AS c
JOIN recent AS r ON r.customer_id = c.id;
GO
IF OBJECT_ID(N'dbo.tmp_ids', N'U') IS NOT NULL
    DROP TABLE dbo.tmp_ids;
CREATE TABLE #ids (id int PRIMARY KEY);
INSERT INTO #ids (id) SELECT TOP (100) id FROM dbo.orders ORDER BY created_at DESC;
SELECT o.id FROM dbo.orders AS o WHERE EXISTS (SELECT 1 FROM #ids AS i WHERE i.id = o.id);
DROP TABLE #ids;
GO
