using Discernus.Experiments;

namespace Discernus.Tests.MiniLM;

/// <summary>
/// A framework whose dimensions have descriptions only (no markers, no anchors: the lexicon cannot score it) and a
/// two-group corpus written for these tests: four texts about civic duty, four about economic grievance. The texts
/// avoid the descriptions' wording on purpose, so a separation cannot come from shared words alone.
/// </summary>
internal static class MiniLMTestData
{
    public static Framework CivicGrievanceFramework() => new()
    {
        Name = "civic_grievance_test",
        FilePath = "/tmp/framework.md",
        Text = "# Civic duty and economic grievance (test framework without markers)",
        Dimensions =
        [
            new Dimension
            {
                Name = "civic_duty",
                Description = "Citizens' obligations to their community and country: voting, volunteering, serving on juries, obeying the law and taking part in public life.",
            },
            new Dimension
            {
                Name = "economic_grievance",
                Description = "Complaints about economic hardship and unfairness: lost jobs, closed factories, stagnant wages, rising prices and debts, an economy rigged against working people.",
            },
        ],
    };

    public static IReadOnlyList<(string Name, string Group, string Text)> TwoGroupCorpus() =>
    [
        ("civic_1", "civic", """
            Every autumn our neighbourhood association organises a drive to register new residents at the polling station.
            I spent Saturday knocking on doors to remind people that the election is on the fourth of November.
            Casting a ballot is the least we owe to those who built this town.
            When the letter summoning me to the county courthouse arrived, I cleared my calendar and went.
            """),
        ("civic_2", "civic", """
            The volunteer fire brigade is looking for new members this spring.
            Training takes two evenings a week, and the whole village depends on the people who answer the siren.
            My grandfather served for thirty years, and he always said that a community is only as strong as its volunteers.
            If you have a few hours, the food bank and the library also need helping hands.
            """),
        ("civic_3", "civic", """
            Our class visited the town council to watch how local decisions are made.
            The students asked the mayor how an ordinary resident can propose a new bylaw.
            She explained that anyone may speak at the public comment session, and that attending meetings keeps officials accountable.
            Afterwards we talked about respecting the law even when we disagree with it, and changing it through the proper channels.
            """),
        ("civic_4", "civic", """
            Cleaning the riverbank was a neighbourhood effort this year: forty residents turned up with gloves and bags.
            The parents' association also organised a blood donation day at the school gym.
            Taking part in these small public tasks is how we repay what the country has given us.
            Next month the same group will help elderly neighbours fill in their census forms.
            """),
        ("grievance_1", "grievance", """
            The plant on Route 9 shut its doors in March and moved the assembly line overseas.
            Eight hundred of us were let go with two weeks' notice and no severance worth the name.
            My rent went up again, groceries cost a third more than last year, and the credit card bills keep piling up.
            The shareholders got their dividend while this town got nothing.
            """),
        ("grievance_2", "grievance", """
            I have worked at the warehouse for eleven years and my pay has not moved in five of them.
            Meanwhile the price of petrol, heating and bread keeps climbing every month.
            We are told the economy is booming, but every gain goes to the people at the top.
            My son graduated with forty thousand in student loans and can only find part-time shifts.
            """),
        ("grievance_3", "grievance", """
            The mill closed, then the hardware store, then the diner where the mill workers ate lunch.
            Half the houses on my street are for sale and nobody is buying.
            The bank foreclosed on my neighbour after he missed three mortgage payments while looking for work.
            Big companies get tax breaks and bailouts, and families like ours get layoffs and debt.
            """),
        ("grievance_4", "grievance", """
            Farmers in this valley are selling below cost because a handful of buyers set the prices.
            Fertiliser and diesel doubled in two years, but what we are paid for a ton of grain has not.
            My daughter left for the city because there are no jobs here that pay a living wage.
            It feels like the whole system is designed to squeeze the small producer until there is nothing left.
            """),
    ];
}
