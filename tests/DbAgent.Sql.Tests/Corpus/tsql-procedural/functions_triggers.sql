CREATE OR ALTER FUNCTION dbo.fn_order_total (@order_id int)
RETURNS decimal(12, 2)
AS
BEGIN
    DECLARE @total decimal(12, 2);
    SELECT @total = SUM(quantity * unit_price) FROM dbo.order_lines WHERE order_id = @order_id;
    RETURN ISNULL(@total, 0);
END;
GO
CREATE FUNCTION dbo.fn_orders_of (@customer_id int)
RETURNS TABLE
AS
RETURN
(
    SELECT id, status, created_at FROM dbo.orders WHERE customer_id = @customer_id
);
GO
CREATE FUNCTION dbo.fn_split_ids (@list nvarchar(max))
RETURNS @ids TABLE (id int NOT NULL PRIMARY KEY)
AS
BEGIN
    INSERT INTO @ids (id)
    SELECT DISTINCT CAST(value AS int) FROM STRING_SPLIT(@list, N',') WHERE value <> N'';
    RETURN;
END
GO
CREATE OR ALTER TRIGGER dbo.tr_orders_audit ON dbo.orders
AFTER INSERT, UPDATE
AS
BEGIN
    SET NOCOUNT ON;
    INSERT INTO dbo.orders_audit (order_id, changed_at, old_status, new_status)
    SELECT i.id, SYSUTCDATETIME(), d.status, i.status
    FROM inserted AS i
    LEFT JOIN deleted AS d ON d.id = i.id;
END;
GO
CREATE TRIGGER dbo.tr_orders_no_delete ON dbo.orders
INSTEAD OF DELETE
AS
BEGIN
    IF EXISTS (SELECT 1 FROM deleted WHERE status = N'paid')
    BEGIN
        RAISERROR (N'Paid orders cannot be deleted.', 16, 1);
        RETURN;
    END
    DELETE o FROM dbo.orders AS o JOIN deleted AS d ON d.id = o.id;
END
GO
CREATE OR ALTER VIEW dbo.v_open_orders
AS
SELECT id, customer_id, created_at FROM dbo.orders WHERE status = N'open';
GO
