-- Procedural T-SQL written for DbAgent's differential test: every batch here is valid for SQL Server 2022.
CREATE OR ALTER PROCEDURE dbo.usp_touch_order @id int
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE dbo.orders SET touched_at = SYSUTCDATETIME() WHERE id = @id;
    IF @@ROWCOUNT = 0
        THROW 50001, 'No such order.', 1;
END;
GO
CREATE PROCEDURE dbo.usp_pay @order_id int, @amount decimal(12, 2), @paid bit OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    BEGIN TRY
        BEGIN TRANSACTION;
        INSERT INTO dbo.payments (order_id, amount, paid_at) VALUES (@order_id, @amount, SYSUTCDATETIME());
        UPDATE dbo.orders SET status = N'paid' WHERE id = @order_id;
        COMMIT TRANSACTION;
        SET @paid = 1;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION;
        SET @paid = 0;
        DECLARE @message nvarchar(2048) = ERROR_MESSAGE();
        RAISERROR (@message, 16, 1);
    END CATCH
END
GO
ALTER PROCEDURE dbo.usp_touch_order @id int
AS
    UPDATE dbo.orders SET touched_at = SYSUTCDATETIME() WHERE id = @id;
GO
CREATE OR ALTER PROCEDURE dbo.usp_archive_before @before date
AS
BEGIN
    DECLARE @batch int = 1000;
    WHILE 1 = 1
    BEGIN
        DELETE TOP (@batch) FROM dbo.orders_archive WHERE created_at < @before;
        IF @@ROWCOUNT < @batch BREAK;
        WAITFOR DELAY '00:00:01';
    END
END;
GO
