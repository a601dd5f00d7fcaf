package settings

// Validation messages, in one place, in English.
const (
	msgDisplayName   = "Enter the organization's name (1 to 200 characters)."
	msgContactEmail  = "Enter a valid contact email, like info@example.org, or leave it empty."
	msgTimezone      = "Choose a time zone from the list, like America/Toronto."
	msgCurrency      = "Enter a currency code from ISO 4217, like CAD or USD."
	msgSeasonName    = "Enter the season's name (1 to 100 characters)."
	msgDate          = "Choose a date."
	msgSeasonOrder   = "The season must end after it starts."
	msgSeasonLength  = "A season can last at most 18 months."
	msgRegOrder      = "Registration must close after it opens."
	msgRegAfterEnd   = "Registration cannot open after the season ends."
	msgWaiverLength  = "The waiver text can have at most 10,000 characters."
	msgBrandColor    = "Enter a colour as #rrggbb, like #1f6feb."
	msgTypeName      = "Enter a name of 1 to 100 characters."
	msgTypeNameTaken = "Another membership type already has this name."
	msgTypeDesc      = "The description can have at most 500 characters."
	msgPrice         = "Enter a price between 0.00 and 100,000.00, like 45.00."

	msgConflict         = "Someone else saved the settings while you were editing. Their changes are listed below; your entries are kept. Review them and save again to apply yours."
	msgRegistrationShut = "Registration is closed."
	msgSeasonOver       = "The season is over; registration for the next season has not opened yet."
	msgTypeUnavailable  = "This membership type is not available."
)
